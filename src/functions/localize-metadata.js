// Builds the zh-CN custom-functions metadata (functions-zh-cn.json) from the generated English functions.json
// and the translations in functions.zh-cn.json. Plain CommonJS: webpack.config.js and the tests both use it.
// Every function id and every parameter must be translated; anything missing or left over is an error, so a
// new function cannot ship without its Chinese name and help.
"use strict";

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
  return { metadata: Object.assign({}, metadata, { functions }), errors: [...new Set(errors)] };
}

module.exports = { localizeMetadata };
