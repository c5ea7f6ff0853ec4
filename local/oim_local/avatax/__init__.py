"""A local AvaTax stand-in: the AvaTax REST v2 endpoints the connector's SDK calls, over HTTPS
on 127.0.0.1, with Avalara's documented error shape and faults on demand."""
