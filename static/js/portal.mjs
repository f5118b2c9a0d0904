// Progressive enhancement only: every page works without this file.
// (Loaded as a module from our own origin, so the Content-Security-Policy needs no inline script.)
import { initAll } from "../nhsuk/nhsuk-frontend.min.mjs";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
