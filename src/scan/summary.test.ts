import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeChange, readableWords } from './summary.ts';

const before = `# Title\n\nIntro text here.\n\n## Symptoms\n\nClick the **Start** button to open it.\n\n## Resolution\n\nRestart the computer.\n`;

test('a one-word edit is minor and names its section', () => {
  const after = before.replace('Click the', 'Select the');
  const s = summarizeChange(before, after);
  assert.deepEqual(s.sections, ['Symptoms']);
  assert.equal(s.wordsAdded, 1);
  assert.equal(s.wordsRemoved, 1);
  assert.equal(s.minor, true);
});

test('a new paragraph is not minor', () => {
  const after = before.replace(
    'Restart the computer.',
    'Restart the computer.\n\nIf that fails, reinstall the driver from the vendor site and run the setup again.',
  );
  const s = summarizeChange(before, after);
  assert.deepEqual(s.sections, ['Resolution']);
  assert.equal(s.wordsAdded, 15);
  assert.equal(s.minor, false);
});

test('a new section is not minor even when short', () => {
  const s = summarizeChange(before, before + '\n## Status\n\nFixed.\n');
  assert.ok(s.sections.includes('Status'));
  assert.equal(s.minor, false);
});

test('markup is not counted as words', () => {
  assert.deepEqual(
    readableWords('See [the docs](https://x.test/a) and **bold** `code`.'),
    ['See', 'the', 'docs', 'and', 'bold', 'code', '.'].filter((w) => w !== '.'),
  );
});
