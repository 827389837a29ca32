/** A logged-in driver connection: tokens and the session's current role, warehouse, database and schema. */
export interface Session {
  id: number;
  token: string;
  masterToken: string;
  user: string;
  role: string;
  warehouse: string | null;
  database: string | null;
  schema: string | null;
}
