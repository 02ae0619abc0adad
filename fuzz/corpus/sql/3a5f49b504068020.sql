SELECT get_json_object('{"k": {"n": [1, 2, {"z": true}]}}', '$.k.n[2].z'), get_json_object('{"k": "v"}', '$.k')
