// Builds the zh-CN custom-functions metadata (functions-zh-cn.json) from the generated English functions.json
// and the translations in functions.zh-cn.json. Plain CommonJS: webpack.config.js and the tests both use it.
// Every function id and every parameter must be translated; anything missing or left over is an error, so a
// new function cannot ship without its Chinese name and help.
"use strict";

/**
 * What the JSDoc generator cannot say. Microsoft's metadata reference: `allowErrorForDataTypeAny` and
 * `allowCustomDataForDataTypeAny` are TOP-LEVEL properties of functions.json (not per-function `options`), they
 * apply to every parameter typed `any` / `any[][]`, and they "can only be used with manually created JSON
 * metadata" — custom-functions-metadata (2.2.x) has no JSDoc tag for them: its generator always writes
 * allowCustomDataForDataTypeAny: true and never allowErrorForDataTypeAny. Every CRM.* parameter but the boolean
 * switches is `any`/`any[][]`, so both are set on the generated file:
 * - allowErrorForDataTypeAny: an error cell (#N/A …) reaches the function as a CustomFunctions.Error, so one bad
 *   cell in a range gives one error cell in the result instead of failing the whole formula;
 * - allowCustomDataForDataTypeAny: a data-type cell (entity, formatted number …) reaches the function as its
 *   Excel.CellValue object, from which args.ts reads the entity's text or the basic value (without it an
 *   entity's basic value is #VALUE!).
 */
const TOP_LEVEL = Object.freeze({ allowErrorForDataTypeAny: true, allowCustomDataForDataTypeAny: true });

/**
 * functions.json as Excel must get it: the generated metadata plus TOP_LEVEL (webpack applies it to the
 * generated functions.json; localizeMetadata applies it to the zh-CN file).
 * @param {{functions: object[]}} metadata
 */
function completeMetadata(metadata) {
  return Object.assign({}, TOP_LEVEL, metadata, TOP_LEVEL);
}

/**
 * @param {{functions: {id: string, name: string, description?: string, parameters: {name: string, description?: string}[]}[]}} metadata
 * @param {Record<string, {name: string, description: string, parameters: Record<string, string>}>} zh
 * @returns {{metadata: object, errors: string[]}}
 */
function localizeMetadata(metadata, zh) {
  const errors = [];
  const functions = metadata.functions.map((f) => {
    const t = zh[f.id];
    if (!t) {
      errors.push(`functions.zh-cn.json: no translation for ${f.id}`);
      return f;
    }
    if (!t.name || !t.description) errors.push(`functions.zh-cn.json: ${f.id} needs a name and a description`);
    const parameters = f.parameters.map((p) => {
      const d = t.parameters && t.parameters[p.name];
      if (!d) errors.push(`functions.zh-cn.json: no translation for ${f.id}(${p.name})`);
      return Object.assign({}, p, { description: d || p.description });
    });
    for (const name of Object.keys(t.parameters || {})) {
      if (!f.parameters.some((p) => p.name === name)) errors.push(`functions.zh-cn.json: ${f.id} has no parameter ${name}`);
    }
    return Object.assign({}, f, { name: t.name, description: t.description, parameters });
  });
  for (const id of Object.keys(zh)) if (!metadata.functions.some((f) => f.id === id)) errors.push(`functions.zh-cn.json: no function ${id}`);
  const names = functions.map((f) => f.name);
  for (const n of names) if (names.indexOf(n) !== names.lastIndexOf(n)) errors.push(`functions.zh-cn.json: the name ${n} is used twice`);
  return { metadata: completeMetadata(Object.assign({}, metadata, { functions })), errors: [...new Set(errors)] };
}

module.exports = { localizeMetadata, completeMetadata, TOP_LEVEL };
