import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/** selectors.yml with each definition form dbt reads; DBT is dbt-core 1.11.16's manifest.json `selectors` for it, copied verbatim. */
const SELECTORS = "selectors:\n  - name: graphy\n    description: graph operators\n    definition: \"+tag:nightly+\"\n  - name: depth\n    definition: \"2+m+3\"\n  - name: at\n    definition: \"@m\"\n  - name: pathy\n    definition: \"models/sub\"\n  - name: filey\n    definition: \"m.sql\"\n  - name: cfg\n    definition: \"config.materialized:view\"\n  - name: dicty\n    definition:\n      method: tag\n      value: nightly\n      children: true\n  - name: short\n    definition:\n      tag: nightly\n  - name: uni\n    default: false\n    definition:\n      union:\n        - m\n        - method: path\n          value: models/sub\n        - exclude:\n            - \"tag:nightly\"\n  - name: inter\n    definition:\n      intersection:\n        - \"tag:nightly\"\n        - method: selector\n          value: pathy\n";

const DBT = {
  "graphy": {
    "name": "graphy",
    "description": "graph operators",
    "definition": {
      "parents": true,
      "method": "tag",
      "value": "nightly",
      "children": true
    }
  },
  "depth": {
    "name": "depth",
    "definition": {
      "parents": true,
      "parents_depth": "2",
      "method": "fqn",
      "value": "m",
      "children": true,
      "children_depth": "3"
    }
  },
  "at": {
    "name": "at",
    "definition": {
      "childrens_parents": true,
      "method": "fqn",
      "value": "m"
    }
  },
  "pathy": {
    "name": "pathy",
    "definition": {
      "method": "path",
      "value": "models/sub"
    }
  },
  "filey": {
    "name": "filey",
    "definition": {
      "method": "file",
      "value": "m.sql"
    }
  },
  "cfg": {
    "name": "cfg",
    "definition": {
      "method": "config.materialized",
      "value": "view"
    }
  },
  "dicty": {
    "name": "dicty",
    "definition": {
      "method": "tag",
      "value": "nightly",
      "children": true
    }
  },
  "short": {
    "name": "short",
    "definition": {
      "method": "tag",
      "value": "nightly"
    }
  },
  "uni": {
    "name": "uni",
    "default": false,
    "definition": {
      "union": [
        {
          "method": "fqn",
          "value": "m"
        },
        {
          "method": "path",
          "value": "models/sub"
        },
        {
          "exclude": [
            {
              "method": "tag",
              "value": "nightly"
            }
          ]
        }
      ]
    }
  },
  "inter": {
    "name": "inter",
    "definition": {
      "intersection": [
        {
          "method": "tag",
          "value": "nightly"
        },
        {
          "method": "path",
          "value": "models/sub"
        }
      ]
    }
  }
};

describe("manifest.json's selectors, as dbt writes them", () => {
  it("lists each selector as written, its definition in dbt's parsed form (graph operators, default methods, a selector named by another)", async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: sel\nprofile: sel\nversion: '1.0'\n",
      'profiles.yml': 'sel:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/sel.duckdb\n      schema: main\n',
      'models/m.sql': 'select 1 as id',
      'models/sub/n.sql': "{{ config(tags=['nightly']) }} select 2 as id",
      'selectors.yml': SELECTORS,
    });
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { selectors: unknown };
    expect(JSON.stringify(m.selectors)).toBe(JSON.stringify(DBT));
  });
});
