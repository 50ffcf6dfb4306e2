/** The prediction API's first address, kept for callers written before /api/v1/predict. */
export { POST } from "../v1/predict/route";

export const dynamic = "force-dynamic";
