// A jest transformer for the few ESM-only packages the tests load (h3 v2 and its
// dependencies): TypeScript's transpiler turns their .mjs into CommonJS, as ts-jest
// does for our own sources. (ts-jest keeps .mjs files as ESM, by their extension.)
import ts from 'typescript';

const FILE_URL = 'require("node:url").pathToFileURL(__filename).href';

export default {
  process(source, filename) {
    const { outputText } = ts.transpileModule(source.replace(/\bimport\.meta\.url\b/g, FILE_URL), {
      fileName: filename.replace(/\.mjs$/, '.js'),
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
};
