/* eslint-disable no-undef */
// Webpack build of the Excel add-in (kept in JavaScript on purpose, see ARCHITECTURE.md).
//
// Shared runtime layout (the Office "Excel Custom Functions using a Shared Runtime" template):
// ONE page, taskpane.html, hosts the task pane, the ribbon commands and the custom functions.
// manifest.xml points its Runtime, FunctionFile, CustomFunctions Page and task pane at it, so
// there is deliberately no separate commands.html / functions.html.
//
// Output (dist/):
//   taskpane.html          the shared-runtime page (runtime + taskpane + commands + functions chunks)
//   runtime.js taskpane.js commands.js   (pane + commands, one shared webpack runtime)
//   functions.js           custom functions, self-contained (manifest CustomFunctions Script)
//   functions.json         custom-functions metadata generated from JSDoc in src/functions/functions.ts
//                          (a metadata error is a compilation error: the build fails)
//   functions-zh-cn.json   the same with Chinese names and help (src/functions/functions.zh-cn.json);
//                          a missing translation fails the build too
//   dialog.html dialog.js  the small page the ribbon commands open with displayDialogAsync (errors, the
//                          confirmation before removing the add-in's output); its own entry, no React
//   support.html           the SupportUrl page (static)
//   office-js/             development builds only: Office.js copied from node_modules/@microsoft/office-js/dist.
//                          Production pages load Office.js from Microsoft's CDN (OFFICE_JS_CDN), as the
//                          Marketplace requires; the e2e test maps that address to the installed copy.
//   assets/                icons (the add-in's and one per ribbon button)
//   manifest.xml           development: manifest.xml as it is (https://localhost:3000). Production: every URL
//                          moved to ONE origin, `npm run build -- --env origin=https://crm.example.com` or
//                          CRM_ORIGIN=https://crm.example.com; with neither, DEFAULT_ORIGIN and a build warning.
const fs = require("fs");
const os = require("os");
const path = require("path");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
const HtmlWebpackPlugin = require("html-webpack-plugin");

const { localizeMetadata, completeMetadata } = require("./src/functions/localize-metadata");

const DEV_PORT = 3000;
/** The origin manifest.xml is written for (the dev server); the production build replaces it everywhere. */
const DEV_ORIGIN = `https://localhost:${DEV_PORT}`;
/** Microsoft's Office.js CDN address, loaded by the production pages. */
const OFFICE_JS_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
/** The production origin when none is configured (a placeholder host; the build warns). */
const DEFAULT_ORIGIN = "https://crm.example.com";

/**
 * The production origin: `--env origin=…`, else the CRM_ORIGIN environment variable, else DEFAULT_ORIGIN
 * (defaulted: true, the build warns). An https URL without query or fragment, never a loopback host; a path
 * is kept (https://example.com/crm serves the add-in under /crm/). Throws with a clear message otherwise.
 */
function resolveOrigin(env = {}, vars = process.env) {
  const given = typeof env.origin === "string" && env.origin !== "" ? env.origin : vars.CRM_ORIGIN || "";
  if (!given) return { origin: DEFAULT_ORIGIN, defaulted: true };
  let url;
  try {
    url = new URL(given);
  } catch {
    throw new Error(`CRM Workbench build: the production origin "${given}" is not a URL (expected e.g. https://crm.example.com)`);
  }
  if (url.protocol !== "https:") throw new Error(`CRM Workbench build: the production origin must be https (Office loads add-ins only over https), not "${given}"`);
  if (/^(localhost|127\.|\[::1\]$|0\.0\.0\.0$)/i.test(url.hostname) || /(^|\.)localhost$/i.test(url.hostname))
    throw new Error(`CRM Workbench build: the production origin cannot be a local host ("${given}"); use npm start or npm run build:dev for https://localhost:${DEV_PORT}`);
  if (url.search || url.hash || url.username || url.password) throw new Error(`CRM Workbench build: the production origin "${given}" must not have a query, fragment or credentials`);
  return { origin: url.origin + url.pathname.replace(/\/+$/, ""), defaulted: false };
}

/**
 * The production manifest: manifest.xml with every DEV_ORIGIN moved to `origin`. Fails when anything still
 * names a local host afterwards (a URL written another way would otherwise ship pointing at localhost).
 */
function productionManifest(xml, origin) {
  const out = xml.split(DEV_ORIGIN).join(origin);
  const left = out.match(/[^\s"<>]*(localhost|127\.0\.0\.1)[^\s"<>]*/i);
  if (left) throw new Error(`CRM Workbench build: manifest.xml still names a local host after moving ${DEV_ORIGIN} to ${origin}: ${left[0]}`);
  return out;
}

/** Adds a warning to the compilation (shown by webpack, does not fail the build). */
class BuildWarningPlugin {
  constructor(message) {
    this.message = message;
  }
  apply(compiler) {
    compiler.hooks.thisCompilation.tap("BuildWarningPlugin", (compilation) => {
      compilation.warnings.push(new compiler.webpack.WebpackError(this.message));
    });
  }
}

/**
 * Completes functions.json (the top-level allowErrorForDataTypeAny / allowCustomDataForDataTypeAny flags) and
 * emits functions-zh-cn.json (Chinese function names and help, manifest Override Locale="zh-CN") from the
 * functions.json CustomFunctionsMetadataPlugin generated and src/functions/functions.zh-cn.json. A missing
 * translation fails the build like a metadata error does.
 */
class LocalizedFunctionsMetadataPlugin {
  constructor(options) {
    this.options = options;
  }
  apply(compiler) {
    const { webpack } = compiler;
    compiler.hooks.thisCompilation.tap("LocalizedFunctionsMetadataPlugin", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "LocalizedFunctionsMetadataPlugin", stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const source = compilation.getAsset(this.options.input);
        if (!source) return; // the metadata plugin has already reported why
        compilation.fileDependencies.add(path.resolve(this.options.translations));
        const zh = JSON.parse(fs.readFileSync(this.options.translations, "utf8"));
        const generated = JSON.parse(source.source.source().toString());
        // functions.json as Excel must get it: the generator has no tag for allowErrorForDataTypeAny, so the
        // top-level flags are added here (without them one #N/A in a range fails a whole CRM.STAGE).
        compilation.updateAsset(this.options.input, new webpack.sources.RawSource(JSON.stringify(completeMetadata(generated), null, 2)));
        const { metadata, errors } = localizeMetadata(generated, zh);
        for (const e of errors) compilation.errors.push(new webpack.WebpackError(e));
        compilation.emitAsset(this.options.output, new webpack.sources.RawSource(JSON.stringify(metadata, null, 2)));
      });
    });
  }
}
const OFFICE_JS_DIR = path.dirname(require.resolve("@microsoft/office-js/package.json"));

/**
 * Dev server TLS. Office requires https for add-in pages, and manifest.xml uses
 * https://localhost:3000. If the Office dev certificates exist (made once by
 * `npx office-addin-dev-certs install`, which needs admin rights but no network),
 * they are used so Office trusts the server. Otherwise webpack-dev-server generates a
 * self-signed certificate offline: fine for a browser preview after accepting the warning,
 * but Office will refuse it until the dev certificates are installed.
 */
function devServerTls() {
  const dir = path.join(os.homedir(), ".office-addin-dev-certs");
  const cert = path.join(dir, "localhost.crt");
  const key = path.join(dir, "localhost.key");
  const ca = path.join(dir, "ca.crt");
  if (fs.existsSync(cert) && fs.existsSync(key)) {
    return {
      type: "https",
      options: {
        cert: fs.readFileSync(cert),
        key: fs.readFileSync(key),
        ...(fs.existsSync(ca) ? { ca: fs.readFileSync(ca) } : {}),
      },
    };
  }
  return "https";
}

function officeJsCopy() {
  return {
    // Office.js loads host- and locale-specific scripts next to office.js, so the
    // directory is copied, minus debug builds, typings and other hosts' scripts.
    from: path.join(OFFICE_JS_DIR, "dist").replace(/\\/g, "/"),
    to: "office-js",
    globOptions: {
      ignore: [
        "**/*.debug.js",
        "**/*vsdoc*",
        "**/*.d.ts",
        "**/outlook*",
        "**/access-*",
        "**/onenote-*",
        "**/powerpoint*",
        "**/project-*",
        "**/word*",
      ],
    },
    info: { minimized: true }, // already minified: do not run terser over it
  };
}

module.exports = (env = {}, argv = {}) => {
  const dev = argv.mode !== "production";
  const { origin, defaulted } = dev ? { origin: DEV_ORIGIN, defaulted: false } : resolveOrigin(env);
  const officeJs = dev ? "office-js/office.js" : OFFICE_JS_CDN;
  return {
    devtool: dev ? "source-map" : false,
    entry: {
      // The pane and the commands share one webpack runtime (runtime.js), so a module both import
      // (e.g. the action layer) is instantiated once on the page.
      taskpane: { import: "./src/taskpane/index.tsx", runtime: "runtime" },
      commands: { import: "./src/commands/commands.ts", runtime: "runtime" },
      // functions.js keeps its runtime inside: the manifest's CustomFunctions <Script> points at
      // it, so it must also work on its own (it only holds pure wrappers, so loading it next to
      // the other bundles costs nothing but a few bytes).
      functions: "./src/functions/functions.ts",
      // The dialog page the ribbon commands open (src/dialog): a tiny script of its own, no React.
      dialog: "./src/dialog/dialog.ts",
    },
    output: {
      // `--env outDir=…` builds elsewhere (the manifest test builds a production copy in a temporary folder).
      path: env.outDir ? path.resolve(env.outDir) : path.resolve(__dirname, "dist"),
      filename: "[name].js",
      clean: true,
    },
    resolve: {
      extensions: [".ts", ".tsx", ".js"],
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: "ts-loader",
            // Type checking is `npm run typecheck` (tsc --noEmit); the bundle only transpiles.
            // ES modules (not tsconfig's commonjs, which jest/ts-node need) so webpack can
            // tree-shake Fluent UI; without this the task pane bundle is ~17 MiB instead of <1 MiB.
            options: {
              transpileOnly: true,
              compilerOptions: { module: "es2020", sourceMap: dev },
            },
          },
        },
      ],
    },
    performance: {
      // Size hints for our own bundles only; the copied Office.js files are not ours to shrink.
      assetFilter: (file) => file.endsWith(".js") && !file.startsWith("office-js/"),
    },
    plugins: [
      new CustomFunctionsMetadataPlugin({
        output: "functions.json",
        input: "./src/functions/functions.ts",
      }),
      new LocalizedFunctionsMetadataPlugin({
        input: "functions.json",
        output: "functions-zh-cn.json",
        translations: "./src/functions/functions.zh-cn.json",
      }),
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./src/taskpane/taskpane.html",
        chunks: ["runtime", "taskpane", "commands", "functions"],
        chunksSortMode: "manual",
        templateParameters: { officeJs },
      }),
      new HtmlWebpackPlugin({
        filename: "dialog.html",
        template: "./src/dialog/dialog.html",
        chunks: ["dialog"],
        templateParameters: { officeJs },
      }),
      new HtmlWebpackPlugin({
        filename: "support.html",
        template: "./src/dialog/support.html",
        chunks: [],
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*.png", to: "assets/[name][ext]" },
          dev
            ? { from: "manifest.xml", to: "manifest.xml" }
            : { from: "manifest.xml", to: "manifest.xml", transform: (content) => productionManifest(content.toString("utf8"), origin) },
          // Office.js from the npm package: development only (offline `npm start`); production uses the CDN.
          ...(dev ? [officeJsCopy()] : []),
        ],
      }),
      ...(defaulted
        ? [
            new BuildWarningPlugin(
              `CRM Workbench: no production origin given; dist/manifest.xml points at the placeholder ${DEFAULT_ORIGIN}. ` +
                "Build for your host with `npm run build -- --env origin=https://your.host` or CRM_ORIGIN=https://your.host.",
            ),
          ]
        : []),
    ],
    devServer: {
      port: DEV_PORT,
      server: devServerTls(),
      headers: { "Access-Control-Allow-Origin": "*" },
      static: false, // everything is served from the webpack output (dist/) in memory
      hot: false,
      liveReload: true,
      client: { overlay: { warnings: false, errors: true } },
    },
  };
};

// For the tests (test/foundation/manifest.test.ts) and anyone scripting a deployment.
Object.assign(module.exports, { DEV_ORIGIN, DEFAULT_ORIGIN, OFFICE_JS_CDN, resolveOrigin, productionManifest });
