"""The way out to other hosts (PMS APIs, webhook receivers), guarded against SSRF: every address
a name resolves to is checked, and the request goes to the address that was checked."""
