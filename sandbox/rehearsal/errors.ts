/**
 * A construct of the workflow the rehearsal does not support (or a value it does not provide). The
 * rehearsal stops with this rather than skip the construct: a rehearsal that silently ignored a
 * key would prove something about a workflow that is not the one GitHub runs.
 */
export class UnsupportedConstruct extends Error {
  override name = 'UnsupportedConstruct';
}
