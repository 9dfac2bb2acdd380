'use strict';
// A module that is required only when first used: bin/load-bundle.cjs hands this stand-in to a bundle that requires
// one of its LAZY modules, which the bundle's code requires at its top although a command may never use it. Node
// compiles a built-in that is not in its start-up snapshot when it is first required (child_process, with net's
// dgram and socket list; zlib; v8 ...), and yaml is a bundle of its own to read and run. Every operation on the
// stand-in is done on the module, which is required on the first of them; code that reads a property at its top
// (a namespace copied by esbuild's __toESM, a function passed to promisify) requires it there, as before.
module.exports = function lazyModule(load) {
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
