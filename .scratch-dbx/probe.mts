import { DBSQLClient } from '@databricks/sql';
import { startDatabricksEmulator } from '/work/main/dev/emulators/databricks/index.js';
const emu = await startDatabricksEmulator({ catalog: '/work/main/dev/emulators/databricks/demo-catalog.json' });
const client = await new DBSQLClient().connect({ host: emu.host, port: emu.port, path: emu.path, token: emu.token, customCaCert: emu.caCert, telemetryEnabled: false });
let session = await client.openSession();
const q = async (sql: string, namedParameters?: Record<string,string>) => {
  try {
    const op = await session.executeStatement(sql, { namedParameters });
    const rows = await op.fetchAll(); await op.close(); return rows;
  } catch (e: any) { return { err: e.constructor.name, msg: e.message, code: e.code, errorCode: e.errorCode, sqlState: e.response?.sqlState, disp: e.response?.displayMessage, status: e.response?.status, statusCode: e.statusCode, keys: Object.keys(e) }; }
};
console.log(await q('SELECT table_schema, table_name, table_type FROM system.information_schema.tables WHERE table_catalog = :c', { c: 'main' }));
console.log(await q('SHOW GRANTS ON TABLE main.sales.nope'));
console.log(await q('SHOW SCHEMAS IN nope'));
console.log(await q('GRANT SELECT ON TABLE main.sales.orders TO `ghost@x.com`'));
console.log(JSON.stringify(emu.metastore.principals.size), [...emu.metastore.catalogs.keys()]);
emu.endSessions();
console.log(await q('SELECT 1'));
emu.control.refuseLogins(true);
try { await client.openSession(); } catch (e: any) { console.log('login', e.constructor.name, e.message, e.statusCode, Object.keys(e)); }
emu.control.refuseLogins(false);
await client.close(); await emu.stop();
