SELECT id, arr[0], arr[1] FROM types
