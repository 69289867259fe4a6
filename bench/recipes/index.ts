// Every recipe the benchmark knows, in the table's order. Adding one is one entry here.
import { actionRecipes } from './action.js';
import { bake } from './bake.js';
import { buildxRegistry } from './buildx-registry.js';
import { cacheDance } from './cache-dance.js';
import { laptop } from './laptop.js';
import { naive } from './naive.js';
import { seed } from './seed.js';
import type { Recipe } from './types.js';

export const RECIPES: Recipe[] = [naive, laptop, seed, buildxRegistry, bake, cacheDance, ...actionRecipes];
