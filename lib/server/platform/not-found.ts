/**
 * A record that a request names does not exist. The route responder (guard.ts) answers 404 with
 * the message, so a service throws it and no route has to remember to map it.
 */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class DatasetNotFoundError extends NotFoundError {
  constructor(readonly datasetId: string) {
    super(`no dataset with id "${datasetId}"`);
  }
}
