/**
 * A response body that is JSON text already (built from cached parts, ADR 0016):
 * sent as it is with the JSON media type, instead of being serialised again.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
