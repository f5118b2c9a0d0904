"""The structure diagram's SVG shapes and its list "Who reports to whom", written in Python.

Through the template language the largest ICS's 100 boards cost ~9 ms of a ~29 ms page
(bench/run): ~6 ms for the SVG's boxes, ~3 ms for the list's recursive include.
As strings they cost under 1 ms.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ics_portal.core.templatetags.portal import sample_tag

register = template.Library()


@register.simple_tag
def diagram_shapes(diagram):
    """The dividers, labels, reporting lines and boxes of a governance.presenters.Diagram, as SVG elements."""
    shapes = [
        f'<line class="portal-diagram__divider" x1="0" y1="{y}" x2="{diagram.width}" y2="{y}"/>'
        for y in diagram.dividers
    ]
    for label in diagram.labels:
        css_class = "portal-diagram__level" if label.is_band else "portal-diagram__place"
        shapes.append(f'<text class="{css_class}" x="{diagram.label_x}" y="{label.y}">{escape(label.text)}</text>')
    shapes += [f'<path class="portal-diagram__line" d="{d}"/>' for d in diagram.paths]
    for box in diagram.boxes:
        modifier = " portal-diagram__box--place" if box.is_place else ""
        shapes.append(
            f'<rect class="portal-diagram__box{modifier}" x="{box.x}" y="{box.y}"'
            f' width="{diagram.box_w}" height="{diagram.box_h}" rx="4"/>'
        )
        shapes += [
            f'<text class="portal-diagram__label" x="{box.text_x}" y="{y}">{escape(text)}</text>'
            for y, text in box.text_lines
        ]
    return mark_safe("\n".join(shapes))


@register.simple_tag
def board_tree(nodes, query=""):
    """TreeNodes as nested bulleted lists: each board a link (`query` keeps the page's day), reporting boards below."""
    items = "".join(_board_item(node, query) for node in nodes)
    return mark_safe(f'<ul class="nhsuk-list nhsuk-list--bullet">{items}</ul>')


def _board_item(node, query):
    board = node.board
    parent = node.reports_up_to
    reports_to = f' <span class="portal-meta">(reports to {escape(parent.name)})</span>' if parent else ""
    children = board_tree(node.children, query) if node.children else ""
    return (
        f'<li><a href="{escape(board.get_absolute_url() + query)}">{escape(board.name)}</a>'
        f"{sample_tag(board)}{reports_to}{children}</li>"
    )
