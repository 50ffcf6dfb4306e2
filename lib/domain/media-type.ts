/**
 * The media type of a Content-Type header, lower-cased for comparison
 * (`Multipart/Form-Data; boundary=----WebKitFormBoundaryAbC` → `multipart/form-data`). Only the
 * type is case-insensitive: parameters such as a multipart boundary must reach the parser as sent.
 */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
}
