"""config on Express: typed values from the environment, defaults, every problem listed at once,
secrets masked in logs and JSON."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "env_prefix": "SVC_",
        "fields": [
            {"name": "api_url", "type": "url", "required": True},
            {"name": "ratio", "type": "float", "default": 0.5},
            {"name": "signing_key", "type": "secret", "required": True},
            {"name": "workers", "type": "int", "default": 4},
            {"name": "region", "type": "str", "default": "eu-west-1"},
            {"name": "verbose", "type": "bool", "default": True},
        ],
    },
]

SCENARIO = r"""
const util = require('node:util');
const prefix = OPTIONS.env_prefix ?? 'APP_';
const fields = OPTIONS.fields || [
  { name: 'database_url', type: 'secret', required: true },
  { name: 'port', type: 'int', default: 8000 },
  { name: 'log_level', type: 'str', default: 'INFO' },
  { name: 'debug', type: 'bool', default: false },
];
const good = { str: 'hello', int: '42', float: '2.5', bool: 'yes', url: 'https://api.example.com/v1', secret: 's3cr3t-value' };
const typed = { str: 'hello', int: 42, float: 2.5, bool: true, url: 'https://api.example.com/v1' };
const bad = { int: '4x', float: 'abc', bool: 'maybe', url: 'not a url' };

const env = {};
for (const field of fields) env[prefix + field.name.toUpperCase()] = good[field.type];
const config = M.loadConfig(env);
assert.ok(Object.isFrozen(config));
for (const field of fields) {
  if (field.type === 'secret') {
    assert.equal(config[field.name].reveal(), 's3cr3t-value');
    assert.ok(!JSON.stringify(config).includes('s3cr3t-value'));
    assert.ok(!util.inspect(config).includes('s3cr3t-value'));
    assert.ok(!`${config[field.name]}`.includes('s3cr3t-value'));
  } else {
    assert.deepEqual(config[field.name], typed[field.type], field.name);
  }
}

// Defaults apply when optional variables are unset.
const minimal = {};
for (const field of fields.filter((f) => f.required)) minimal[prefix + field.name.toUpperCase()] = good[field.type];
const defaults = M.loadConfig(minimal);
for (const field of fields.filter((f) => !f.required)) assert.deepEqual(defaults[field.name], field.default);

// Every problem at once: each required variable missing, each typed variable malformed.
const broken = {};
for (const field of fields) if (bad[field.type] && !field.required) broken[prefix + field.name.toUpperCase()] = bad[field.type];
let problems;
assert.throws(() => M.loadConfig(broken), (error) => {
  assert.ok(error instanceof M.ConfigError);
  problems = error.problems;
  return true;
});
const expected = fields.filter((f) => f.required || bad[f.type]).map((f) => prefix + f.name.toUpperCase());
assert.equal(problems.length, expected.length, problems.join('; '));
for (const name of expected) assert.ok(problems.some((p) => p.startsWith(`${name}:`)), name);
for (const value of Object.values(bad)) assert.ok(!problems.join(' ').includes(value), 'values are not echoed');
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_typed_validated_all_problems_listed(tmp_path, options):
    run_scenario(tmp_path, "config", options, SCENARIO)
