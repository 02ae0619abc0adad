SELECT get_json_object(js, '$.a'), get_json_object(js, '$.b.c'), get_json_object(js, '$.missing') FROM types WHERE id <> 3
