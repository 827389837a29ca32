import { resourceAcl, databricksServiceDef, parsePolicies } from '../shared/policy/index.js';
const raw = { version: 1, policies: [
 { id: 1, name: 'p', isEnabled: true, policyType: 0, service: 'x', resources: { catalog: { values: ['main'] }, schema: { values: ['sales'] }, table: { values: ['*'] }, column: { values: ['*'] } },
   policyItems: [{ accesses: [{ type: 'select', isAllowed: true }], users: ['alice@example.com'] }] },
 { id: 2, name: 'q', isEnabled: true, policyType: 0, service: 'x', resources: { catalog: { values: ['main'] }, schema: { values: ['sales'] } },
   policyItems: [{ accesses: [{ type: 'all_privileges', isAllowed: true }], groups: ['eng'] }] },
]} as any; const snap = parsePolicies(raw);
for (const r of [{ catalog: 'main' }, { catalog: 'main', schema: 'sales' }, { catalog: 'main', schema: 'sales', table: 'orders' }])
  console.log(JSON.stringify(r), JSON.stringify(resourceAcl(snap, databricksServiceDef, r, { now: new Date(), schedules: 'at-now' })));
