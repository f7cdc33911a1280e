import { psql } from '/work/wt12/test/lab/index.ts';
const q = async (h: string, sql: string, db = 'stage') => console.log(h, '>', (await psql(h, sql, db)).slice(0, 600));
await q('stage1', "SELECT id, email, first_name, last_name, username FROM auth_user ORDER BY id LIMIT 3");
await q('stage1', "SELECT * FROM customers ORDER BY user_id LIMIT 3");
await q('stage1', "SELECT a.email = c.email FROM auth_user a JOIN customers c ON c.user_id = a.id LIMIT 3");
await q('stage1', "SELECT count(*) FROM orders o JOIN customers c ON c.email = o.customer_email");
await q('stage1', "SELECT conname, contype FROM pg_constraint WHERE conrelid IN ('orders'::regclass, 'customers'::regclass, 'auth_user'::regclass) ORDER BY 1");
await q('stage1', "SELECT indexname FROM pg_indexes WHERE tablename IN ('orders','customers','auth_user') ORDER BY 1");
