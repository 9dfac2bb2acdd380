'use strict';
// Bundled into dist/bundle/main.cjs and alicloud.cjs by scripts/bundle.mjs (its plugin `lazyBuiltins` says which
// built-ins and why): a Node built-in module that is required only when first used. Node compiles a built-in that is
// not in its start-up snapshot when it is first required (child_process with net's dgram and socket list, v8, ...),
// and commander and the credentials library require child_process at their top level although only a command that
// spawns a process uses it. The object returned stands for the module: every operation on it is done on the module,
// which is required on the first of them.
module.exports = function lazyBuiltin(load) {
  let loaded;
  const real = () => {
    if (loaded === undefined) loaded = load();
    return loaded;
  };
  // The proxy's target holds nothing but the properties a proxy must find there (non-configurable ones it reports).
  const target = {};
  const mirror = (key, descriptor) => {
    if (descriptor !== undefined && !descriptor.configurable && Reflect.getOwnPropertyDescriptor(target, key) === undefined) {
      Reflect.defineProperty(target, key, descriptor);
    }
    return descriptor;
  };
  return new Proxy(target, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => mirror(key, Reflect.getOwnPropertyDescriptor(real(), key)),
    defineProperty: (_, key, descriptor) => {
      const done = Reflect.defineProperty(real(), key, descriptor);
      if (done) mirror(key, Reflect.getOwnPropertyDescriptor(real(), key));
      return done;
    },
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
};
