/**
 * node-llama-cpp, from this folder's own install (package.json beside this file; see its
 * description): the rest of the dev package imports the binding through here.
 */
export * from 'node-llama-cpp';
