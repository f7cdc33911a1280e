// nunjucks' internal modules (not exported from its index), required here only: the very
// instances its parser and compiler call through, so a patch made on them takes effect. Each user
// casts to the few members it touches. nunjucks must stay a package (not bundled) for this.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const nunjucksLexer: unknown = require('nunjucks/src/lexer.js');
export const nunjucksTransformer: unknown = require('nunjucks/src/transformer.js');
