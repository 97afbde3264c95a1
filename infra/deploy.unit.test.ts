import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aclTable } from './acls.js';
import { brokerSecurityProperties, SUPER_USERS } from './broker-security.js';
import { aclScript, DEPLOY_DIR, renderDeploy } from './deploy-render.js';
import { kafkaAclTable } from './provision.js';

const read = (path: string) => readFileSync(join(DEPLOY_DIR, path), 'utf8');
const compose = read('docker-compose.yml');

describe('the deployment descriptor agrees with infra/', () => {
  it('holds exactly the files generated from the ACL table and the broker settings (run `npx tsx infra/deploy-render.ts`)', async () => {
    for (const [path, content] of await renderDeploy()) expect(read(path), path).toBe(content);
  });

  it('runs every broker on mutual TLS with the StandardAuthorizer, as the local broker does', () => {
    const security = brokerSecurityProperties({ keystore: '', truststore: '' });
    for (const n of [1, 2, 3]) {
      const properties = read(`kafka/kafka-${n}.properties`);
      expect(compose).toContain(`./kafka/kafka-${n}.properties:/etc/tsunagi/server.properties:ro`);
      expect(properties).toContain('listener.security.protocol.map=INTERNAL:SSL,CONTROLLER:SSL');
      for (const [key, value] of Object.entries(security))
        if (value !== '') expect(properties).toContain(`${key}=${value}`);
      expect(properties).not.toMatch(/PLAINTEXT|SASL_/);
    }
    expect(security['allow.everyone.if.no.acl.found']).toBe('false');
    expect(security['super.users']).toBe('User:broker;User:admin');
    expect(compose).not.toMatch(/PLAINTEXT|KAFKA_LISTENERS|KAFKA_ADVERTISED_LISTENERS/);
  });

  it("applies the table's ACLs and gives each Tsunagi service its own principal's certificate", async () => {
    const rows = await kafkaAclTable();
    const script = read('kafka/kafka-acls.sh');
    expect(script).toBe(aclScript(rows));
    const granted = new Set([...script.matchAll(/--allow-principal User:([^ ]+)/g)].map((m) => m[1]));
    expect(granted).toEqual(new Set(rows.map((r) => r.principal)));
    for (const superUser of SUPER_USERS) expect(granted.has(superUser)).toBe(false);
    expect(compose).toContain('./kafka/kafka-acls.sh:/etc/tsunagi/kafka-acls.sh:ro');
    for (const service of ['gateway', 'projector', 'subscriptions', 'trail-log'])
      expect(compose).toContain(`{ source: kafka-${service}-cert, target: kafka-client.pem }`);
  });

  it('changes when the table changes (a new agency gets its rows in the script)', () => {
    expect(aclScript(aclTable(['999999']))).toContain(
      `acl --allow-principal User:999999 --operation Read --operation Describe --topic "\${PREFIX}agency.999999.notifications" --resource-pattern-type literal`,
    );
  });
});
