import * as assert from 'node:assert/strict';
import { GPR32 } from '../../core/src/isa/types';
describe('smoke', () => { it('loads core', () => assert.equal(GPR32.length, 8)); });
