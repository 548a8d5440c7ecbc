/**
 * The post step as an entry exporting `run()`, for runners that call one entry per step by that
 * convention (`local-action run . src/main.ts .env --post src/post-step.ts`, scripts/local-action.ts).
 * GitHub's runner starts dist/index.js for both steps instead (src/main.ts runStep).
 */
export { post as run } from './main.js';
