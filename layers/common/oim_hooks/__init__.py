"""The only package hooks may come from (see oim_connector.hooks).

A flow's hook is named ``"oim_hooks.<module>:<function>"``. Ship your hooks as modules of this
package: in this layer, or in a layer of your own holding an ``oim_hooks/`` folder (Lambda
merges layers into one /opt/python, and the path is extended below so a second ``oim_hooks``
folder elsewhere on the path is found too). Nothing outside this package can be named, so a
settings change can never run ``os.system`` or import an arbitrary module.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
