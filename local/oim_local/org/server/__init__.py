"""The local org's HTTPS server: the subset of the Salesforce REST API the connector uses.

``app.OrgApp`` answers one request (no sockets); ``httpd`` serves it over TLS on 127.0.0.1;
``oim_local.org.runtime.start_local_org`` puts the two together.
"""
