// Templates rendered by real ansible-core (`ansible localhost -m debug`, Debian's package, installed
// by scripts/ensure-deps.sh) and by us, side by side. Each template starts with text, so the
// result is a string in every ansible-core version (2.14 and 2.19 differ on native types).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadInventory } from '../../../src/inventory/load.js';
import { renderString } from '../../../src/template/render.js';
import { createRunVars } from '../../../src/vars/host-vars.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

const VARS = `name: "O'Brien"
greeting: "{{ name }}"
flag: true
n: 5
f: 1.0
half: 0.5
none: ~
list: [1, "two", 3.0, null, true]
dict: {a: 1, b: [x, "it's"], c: {d: null}}
raw: "{% raw %}{{ name }}{% endraw %}"
users: [{name: ann, admin: true}, {name: bob, admin: false}]
base: {a: {x: 1}, l: [1]}
over: {a: {y: 2}, l: [2]}
nested: {b: [[1, 2], [], {}], a: {c: 'yes', d: [{x: 1, y: [3]}, "s"], e: "it's", m: "l1\\nl2", k: {}}, z: null, t: true, f: 1.5}
`;

const TEMPLATES: string[] = [
  'x{{ greeting | quote }}',
  'x{{ greeting | length }}|{{ greeting[0] }}|{{ greeting | upper }}|{{ greeting | to_json }}',
  'x{{ flag }} {{ n }} {{ f }} {{ half }} {{ none }}|',
  'x{{ list }}',
  'x{{ dict }}',
  'x{{ raw }}',
  'x{{ users | map(attribute="name") | list }}',
  'x{{ users | selectattr("admin") | map(attribute="name") | join(",") }}',
  'x{{ users | rejectattr("admin") | list }}',
  'x{{ [1, 2, 3, 4] | select("odd") | list }}{{ [1, 2, 3, 4] | reject("even") | list }}',
  'x{{ base | combine(over) }}',
  'x{{ base | combine(over, recursive=True) }}',
  'x{{ base | combine(over, recursive=True, list_merge="append") }}',
  'x{{ name | b64encode }}|{{ "T1wnQnJpZW4=" | b64decode }}',
  'x{{ {"k": {"v": [1, {"w": none}]}} }}',
  'x{{ dict.keys() | list }}',
  'x{{ dict.items() | list }}{% for k, v in dict.items() %}{{ k }}={{ v }};{% endfor %}',
  'x{{ inventory_hostname }} {{ group_names }} {{ groups.db }} {{ ansible_host }}',
  'x{{ hostvars["db2"].ansible_host }} {{ hostvars["db1"].ansible_host | default("unset") }}',
  'x{{ lookup("env", "STAGESYNC_PARITY_PLAIN") }}|{{ lookup("env", "STAGESYNC_PARITY_NONE", default="dflt") }}',
  'x{{ list | to_json }} {{ dict | to_nice_json }}',
  'x{{ dict | to_yaml }}',
  'x{{ name | regex_replace("O\'", "") }}|{{ "a b" | quote }}|{{ n | bool }}|{{ "x" ~ n }}',
  'x{{ none | default("d") }}|{{ missing | default("d") }}|{{ list | length }}|{{ dict.b[1] }}|{{ list[1:] }}',
  'x{{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 3 }} {{ n > 3 }} {{ "two" in list }}',
  '{% for u in users %}{{ u.name }},{% endfor %}{% if flag %}yes{% else %}no{% endif %}',
  'x{{ users | map(attribute="name") | map("upper") | list }}',
  'x{{ [none, "", 0, false] | select | list }}{{ users | selectattr("name", "equalto", "bob") | list }}',
  'x{{ {"a": {"b": 1}} | combine({"a": {"c": 2}}) }}',
  'x{{ "/a/b/c.txt" | basename }} {{ "/a/b/" | dirname }} {{ "12abc" | int }} {{ "yes" | bool }}',
  'x{{ {"y": "n", "e": "1e5", "t": "yes", "o": "0644", "s": "08"} | to_yaml }}',
  'x{{ dict | to_nice_yaml }}',
  'x{{ nested | to_nice_yaml }}|{{ nested | to_nice_yaml(indent=2) }}|{{ [1, {"a": 2}] | to_nice_yaml }}',
];

describe('templates: ours = ansible-core (ansible -m debug)', function () {
  this.timeout(120000);
  after(cleanTmpTrees);

  it('every template renders to the same text', () => {
    const cwd = tmpTree({ hosts: '[db]\ndb1\ndb2 ansible_host=10.0.0.2\n', 'group_vars/all.yml': VARS });
    const extra = Object.fromEntries(TEMPLATES.map((t, i) => [`t${i}`, t]));
    writeFileSync(join(cwd, 'templates.yml'), stringify(extra));
    const msg = `{{ [${TEMPLATES.map((_, i) => `t${i}`).join(', ')}] }}`;
    const env = { ...process.env, STAGESYNC_PARITY_PLAIN: 'plain-value', ANSIBLE_CONFIG: join(cwd, 'none.cfg'), ANSIBLE_LOCALHOST_WARNING: '0' };
    const out = execFileSync('ansible', ['db1', '-i', 'hosts', '-c', 'local', '-e', '@templates.yml', '-m', 'debug', '-a', `msg=${msg}`], { cwd, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    const theirs = JSON.parse(out.slice(out.indexOf('{'))).msg as string[];

    const vars = createRunVars(loadInventory(['hosts'], { cwd }), { cwd, env }).lazy('db1');
    const ours = TEMPLATES.map((t) => renderString(t, vars, { cwd }));
    const differ = TEMPLATES.map((t, i) => [t, ours[i], theirs[i]]).filter(([, a, b]) => a !== b);
    expect(differ).to.deep.equal([]);
  });
});
