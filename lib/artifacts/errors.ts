/** A model version that does not verify: a missing or malformed manifest, a file of the wrong size or checksum. */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}
