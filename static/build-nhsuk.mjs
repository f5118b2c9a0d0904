// Copies the built NHS.UK frontend from node_modules into static/nhsuk/ (committed),
// so the quick start needs no npm. Run after changing the nhsuk-frontend version:
//   npm ci && npm run build:nhsuk
// It removes the Frutiger @font-face rules (the font is licensed to NHS bodies and
// served from an NHS host), names Arial instead, and points image URLs at our copies.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const out = join(here, "nhsuk");
mkdirSync(join(out, "images"), { recursive: true });

let css = readFileSync(join(dist, "nhsuk-frontend.min.css"), "utf8");
css = css.replace(/@font-face\{[^}]*\}/g, "");
css = css.replace(/font-family:Frutiger W01,arial,sans-serif/g, "font-family:arial,sans-serif");
css = css.replace(/font-family:Frutiger W01/g, "font-family:arial,sans-serif");
css = css.replace(/url\(\/assets\/images\//g, "url(images/");
css = css.replace(/\/\*# sourceMappingURL=.*?\*\//g, "");
const external = css.match(/url\((?!images\/|data:)[^)]*\)/g);
if (external) throw new Error(`external url() left in CSS: ${external.join(", ")}`);
writeFileSync(join(out, "nhsuk-frontend.min.css"), css);

let js = readFileSync(join(dist, "nhsuk-frontend.min.js"), "utf8");
js = js.replace(/\/\/# sourceMappingURL=.*$/m, "");
writeFileSync(join(out, "nhsuk-frontend.min.mjs"), js);

const images = new Set([...css.matchAll(/url\(images\/([^)]+)\)/g)].map((m) => m[1]));
for (const image of images) copyFileSync(join(dist, "assets", "images", image), join(out, "images", image));
writeFileSync(join(out, "VERSION"), JSON.parse(readFileSync(join(dist, "..", "..", "package.json"), "utf8")).version + "\n");
console.log(`static/nhsuk: css ${css.length} bytes, js ${js.length} bytes, ${images.size} images`);
