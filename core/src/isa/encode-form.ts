// Parses a form's encoding string (types.ts FormSpec.encoding) once into a compact recipe the
// encoder and the table tests use.

import type { FormSpec, InstructionSpec } from './types';

export type ImmediateField = 'ib' | 'iw' | 'id' | 'ibs';

export interface FormRecipe {
  /** Operand size the form implies (`o16`/`o32`), if any. */
  readonly operandSize?: 16 | 32;
  /** Address size the form implies (`a16`/`a32`), if any. */
  readonly addressSize?: 16 | 32;
  readonly opcode: readonly number[];
  /** The last opcode byte takes the register number of the 'o' operand. */
  readonly plusRegister: boolean;
  /** 'r' for `/r`, 0-7 for `/n`, undefined when there is no ModR/M byte. */
  readonly modrm?: 'r' | number;
  readonly immediates: readonly ImmediateField[];
  /** Relative branch field size in bytes. */
  readonly relative?: 1 | 2 | 4;
  readonly farPointer: boolean;
  readonly moffs: boolean;
}

export type RecipeResult = { readonly ok: true; readonly recipe: FormRecipe } | { readonly ok: false; readonly message: string };

export function parseEncoding(encoding: string): RecipeResult {
  let operandSize: 16 | 32 | undefined;
  let addressSize: 16 | 32 | undefined;
  const opcode: number[] = [];
  let plusRegister = false;
  let modrm: 'r' | number | undefined;
  const immediates: ImmediateField[] = [];
  let relative: 1 | 2 | 4 | undefined;
  let farPointer = false;
  let moffs = false;
  for (const token of encoding.split(' ')) {
    if (token === 'o16' || token === 'o32') operandSize = token === 'o16' ? 16 : 32;
    else if (token === 'a16' || token === 'a32') addressSize = token === 'a16' ? 16 : 32;
    else if (/^[0-9A-F]{2}$/.test(token)) opcode.push(parseInt(token, 16));
    else if (/^[0-9A-F]{2}\+r$/.test(token)) { opcode.push(parseInt(token.slice(0, 2), 16)); plusRegister = true; }
    else if (token === '/r') modrm = 'r';
    else if (/^\/[0-7]$/.test(token)) modrm = Number(token[1]);
    else if (token === 'ib' || token === 'iw' || token === 'id' || token === 'ibs') immediates.push(token);
    else if (token === 'cb' || token === 'cw' || token === 'cd') relative = token === 'cb' ? 1 : token === 'cw' ? 2 : 4;
    else if (token === 'cp') farPointer = true;
    else if (token === 'mo') moffs = true;
    else return { ok: false, message: `unknown encoding token '${token}' in '${encoding}'` };
  }
  if (opcode.length === 0) return { ok: false, message: `no opcode byte in '${encoding}'` };
  return { ok: true, recipe: { operandSize, addressSize, opcode, plusRegister, modrm, immediates, relative, farPointer, moffs } };
}

const cache = new WeakMap<FormSpec, FormRecipe>();

/** The recipe of a table form; the table test guarantees every encoding parses. */
export function recipeOf(form: FormSpec): FormRecipe {
  let recipe = cache.get(form);
  if (recipe === undefined) {
    const parsed = parseEncoding(form.encoding);
    if (!parsed.ok) throw new Error(`host bug: ${parsed.message}`);
    recipe = parsed.recipe;
    cache.set(form, recipe);
  }
  return recipe;
}

const recipesBySpec = new WeakMap<InstructionSpec, readonly FormRecipe[]>();

/** The recipes of an instruction's forms, in form order: one lookup for every form tried. */
export function recipesOf(spec: InstructionSpec): readonly FormRecipe[] {
  let recipes = recipesBySpec.get(spec);
  if (recipes === undefined) {
    recipes = spec.forms.map(recipeOf);
    recipesBySpec.set(spec, recipes);
  }
  return recipes;
}
