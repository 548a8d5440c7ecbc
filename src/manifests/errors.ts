/** Where a manifest document came from, for messages a user can jump to. */
export interface SourceLocation {
  /** The file (relative to the workspace), or a kustomize folder with "(kubectl kustomize)". */
  source: string;
  /** 1-based line in the file or in the kustomize output. */
  line: number;
  /** 1-based position of the document in a kustomize output, which has no file to point at. */
  document?: number;
}

export function formatLocation(location: SourceLocation): string {
  return location.document === undefined
    ? `${location.source}:${location.line}`
    : `${location.source}, document ${location.document}, line ${location.line}`;
}

/** A problem with the manifests or the render options; the message is one sentence. */
export class ManifestError extends Error {
  override name = 'ManifestError';

  constructor(
    message: string,
    /** Where in the manifests, as a field: reports read it, never the message's text. */
    readonly location?: SourceLocation,
  ) {
    super(location ? `${formatLocation(location)}: ${message}` : message);
  }
}

/** The manifest location an error carries (ManifestError, PlanError), if any. */
export function locationOf(error: unknown): SourceLocation | undefined {
  const location = (error as { location?: unknown } | undefined)?.location;
  return typeof location === 'object' && location !== null && 'source' in location
    ? (location as SourceLocation)
    : undefined;
}
