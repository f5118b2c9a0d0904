"""gunicorn's settings for every instance started in this folder: bench/run's, the tests' and production's.

gunicorn 25.1 and later open a control socket for `gunicornc` at one path per user. Several instances run
on one machine (bench/run's uncached and cached pair, the topology run's two behind HAProxy), and all but the
first failed to bind it and logged an error. The portal does not use `gunicornc`, so none opens one.
"""

control_socket_disable = True
