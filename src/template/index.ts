// Public API of the template layer.
export { renderTemplate, renderString, resolveTemplate, type RenderOptions } from './render.js';
export { createEnvironment, templateSearchPath } from './environment.js';
