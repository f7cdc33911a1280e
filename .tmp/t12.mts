import { maskedSelect, copyOutSql } from '/work/wt12/src/steps/mask-sql.ts';
import { psql } from '/work/wt12/test/lab/index.ts';
const t = { schema: 'public', name: 'auth_user', columns: ['id','email','first_name','last_name','username','date_joined'], rowKey: ['id'], masked: [
 { name: 'email', type: 'citext', transformer: { kind: 'email', domain: 'example.invalid' } },
 { name: 'first_name', type: 'text', transformer: { kind: 'full_name' } },
 { name: 'last_name', type: 'text', transformer: { kind: 'phone' } },
 { name: 'username', type: 'text', transformer: { kind: 'username' } },
 { name: 'date_joined', type: 'timestamp with time zone', transformer: { kind: 'date_noise', interval: '30 days' } },
] } as any;
console.log(await psql('db1', maskedSelect(t, "s'alt") + ' ORDER BY id LIMIT 3', 'production'));
