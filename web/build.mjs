// Bundle web/src into api/static (committed, so the Python package serves the page with no
// npm at run time): index.html, app.js (cytoscape, d3-geo and the world-atlas borders included,
// minified), app.css. JSON (the borders) is bundled by esbuild's own loader.
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "static");
const watch = process.argv.includes("--watch");

await mkdir(out, { recursive: true });
const options = {
  entryPoints: [join(here, "src", "app.js"), join(here, "src", "app.css")],
  bundle: true,
  minify: !watch,
  format: "iife",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  outdir: out,
  legalComments: "linked",
  logLevel: "info",
  metafile: true,
};
await copyFile(join(here, "src", "index.html"), join(out, "index.html"));
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build(options);
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    console.log(`${file}: ${(info.bytes / 1024).toFixed(0)} KiB`);
  }
}
