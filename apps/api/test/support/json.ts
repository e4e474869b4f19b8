/** A JSON body read without a schema: each test checks the shape it needs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

export async function readJson(response: Response): Promise<JsonBody> {
  return response.json();
}
