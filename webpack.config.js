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
//   office-js/             Office.js copied from node_modules/@microsoft/office-js/dist (no CDN)
//   assets/                icons
//   manifest.xml
const fs = require("fs");
const os = require("os");
const path = require("path");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
const HtmlWebpackPlugin = require("html-webpack-plugin");

const { localizeMetadata } = require("./src/functions/localize-metadata");

const DEV_PORT = 3000;

/**
 * Emits functions-zh-cn.json (Chinese function names and help, manifest Override Locale="zh-CN") from the
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
        const { metadata, errors } = localizeMetadata(JSON.parse(source.source.source().toString()), zh);
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

module.exports = (_env, argv) => {
  const dev = argv.mode !== "production";
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
    },
    output: {
      path: path.resolve(__dirname, "dist"),
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
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*.png", to: "assets/[name][ext]" },
          { from: "manifest.xml", to: "manifest.xml" },
          {
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
          },
        ],
      }),
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
