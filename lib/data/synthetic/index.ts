export { type SyntheticSpec, type ResolvedSyntheticSpec, resolveSyntheticSpec, describeSyntheticSpec, PLANTED_DEFAULTS } from './spec';
export { SyntheticRatings, type SyntheticOptions, type PlantedHidden } from './generator';
export { generateSynthetic, type SyntheticDataset } from './memory';
export { writeSyntheticDat, type WrittenSynthetic } from './dat-writer';
export { generateCatalog, MOVIELENS_GENRES } from './titles';
