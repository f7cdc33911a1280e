import { planFor } from '/work/wt12/test/unit/ansible/plan-for.ts';
for (const y of ['stagesync_masking:\n  users:\n    email: scramble\n', 'stagesync_masking:\n  users:\n    email: {shuffle: 1}\n', 'stagesync_masking:\n  users:\n    email: {hash: 1, sql: x}\n'])
try { planFor({ 'vars/pair.yml': 'stagesync_masking_salt: "0123456789"\n' + y }); } catch (e) { console.log((e as any).oneLine?.() ?? e); }
