import assert from 'node:assert/strict';
import { test } from 'node:test';
import { birthRegistration } from './definitions/birth-registration.js';
import { formBundle } from './forms.bundle.js';

test('a new draft reuses answers of the applicant\'s earlier dossier where the form allows it', async () => {
  const bundle = formBundle(birthRegistration, {
    previous: async (_userId, code) => (code === '1.001193' ? { motherEthnicity: '02', childHometown: 'Ninh Bình', childName: 'Nguyễn Văn An' } : null),
  });
  const values = await bundle.initialValues(7);
  assert.equal(values.motherEthnicity, '02', 'Tày, from the first child\'s dossier');
  assert.equal(values.childHometown, 'Ninh Bình');
  assert.equal(values.childName, undefined, 'the first child\'s name is not carried over');
});
