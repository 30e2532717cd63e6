"""Offline bundles, ZIM files and update packs (``mzkb bundle``, ``verify``, ``apply-update``, ``keygen``).

Modules, each importing only those listed before it:

- ``format``   the on-disk format: names, ``BundleError``, manifest rendering and validation
- ``signing``  Ed25519 keys and signatures over manifest.json / update.json
- ``zipsafe``  limits checked from a zip's central directory, bounded copies
- ``trees``    reading a bundle or pack from a zip or a folder; leftovers of killed runs
- ``pages``    the bundle's landing and 校验 pages (Jinja, autoescape on)
- ``writer``   writing a bundle zip and its size report
- ``verify``   checking a bundle against its manifest and signature
- ``update``   making and applying update packs
- ``keys``     which signing / trusted key to use; where ``mzkb keygen`` may write a private key
- ``zim``      writing the site as a ZIM file for Kiwix (``--format zim``), with the bundle manifest
- ``make``     ``mzkb bundle``: build the knowledge base, bundle it, sign it, make the pack
"""
