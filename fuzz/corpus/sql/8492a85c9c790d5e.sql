SELECT get_json_object(js, '$.arr[1]'), get_json_object(js, '$.arr') FROM types WHERE id <> 3
