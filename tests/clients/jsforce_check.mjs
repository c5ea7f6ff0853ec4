// jsforce 3 (pinned in package.json) against the local org: identity, a query past the
// 2,000-row page with autoFetch, create/update/delete, describe, limits and an sObject tree.
// Prints one JSON object of what it saw; tests/integration/clients/test_jsforce.py asserts it.
// The org's certificate is trusted through NODE_EXTRA_CA_CERTS; verification stays on.
import { Connection } from 'jsforce';

const conn = new Connection({
  instanceUrl: process.env.OIM_INSTANCE_URL,
  accessToken: process.env.OIM_ACCESS_TOKEN,
  version: '62.0',
});

const identity = await conn.identity();
const all = await conn.query('SELECT Id, Name FROM Account').run({ autoFetch: true, maxFetch: 100000 });
const created = await conn.sobject('Account').create({ Name: 'jsforce Account' });
await conn.sobject('Account').update({ Id: created.id, Name: 'jsforce Account renamed' });
const renamed = await conn.sobject('Account').retrieve(created.id);
await conn.sobject('Account').destroy(created.id);
const afterDelete = await conn.query(`SELECT Id FROM Account WHERE Id = '${created.id}'`);
const described = await conn.sobject('c2g__codaInvoice__c').describe();
const limits = await conn.limits();
const tree = await conn.requestPost('/composite/tree/Account', {
  records: [
    { attributes: { type: 'Account', referenceId: 'acc1' }, Name: 'Tree One' },
    { attributes: { type: 'Account', referenceId: 'acc2' }, Name: 'Tree Two' },
  ],
});

console.log(JSON.stringify({
  username: identity.username,
  organizationId: identity.organization_id,
  queryTotalSize: all.totalSize,
  queryRecords: all.records.length,
  createdId: created.id,
  renamed: renamed.Name,
  remainingAfterDelete: afterDelete.totalSize,
  describedFields: described.fields.map((field) => field.name),
  dailyApiRequests: limits.DailyApiRequests,
  tree,
}));
