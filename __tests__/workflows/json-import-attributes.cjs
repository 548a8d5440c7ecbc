// Jest transform for @actions/workflow-parser, whose schema modules import their JSON schemas
// without an import attribute (`import S from "../workflow-v1.0.min.json"`). Node 20 refuses that
// and jest 30 only tolerates it with a deprecation (a hard error in its next major), so this adds
// `with { type: "json" }` to every static JSON import of the package's files, nothing else.
module.exports = {
  process(source) {
    return { code: source.replace(/(\bfrom\s+(["'])[^"']+\.json\2)(\s*;)/g, '$1 with { type: "json" }$3') };
  },
  getCacheKey(source, path) {
    return `json-import-attributes-1:${path}:${source.length}:${require('node:crypto').createHash('sha1').update(source).digest('hex')}`;
  },
};
