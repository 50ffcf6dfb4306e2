import { DomainError } from "./errors";

/** A record that a request names does not exist: 404 with the message. */
export class NotFoundError extends DomainError {
  readonly status = 404;
}

export class DatasetNotFoundError extends NotFoundError {
  constructor(readonly datasetId: string) {
    super(`no dataset with id "${datasetId}"`);
  }
}
