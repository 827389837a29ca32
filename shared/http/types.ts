/** The parts of an HTTP request the API reads; `@azure/functions`' HttpRequest has exactly this shape. */
export interface ApiRequest {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
  params: Record<string, string>;
  text(): Promise<string>;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  jsonBody?: unknown;
}
