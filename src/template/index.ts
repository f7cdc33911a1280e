// Public API of the template layer.
export { renderTemplate, renderString, resolveTemplate, type RenderOptions } from './render.js';
export { createEnvironment, templateSearchPath } from './environment.js';
export { renderValue, createScope, type TemplateVars } from './render.js';
export { LazyVars, type LazyScope } from './lazy.js';
export { pyStr, toPlain } from './python.js';
export { pyJsonDumps } from './filters/json.js';
