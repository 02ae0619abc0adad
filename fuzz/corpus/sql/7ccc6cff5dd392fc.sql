SELECT array(1, 2, 3), map('a', 1, 'b', 2), named_struct('x', 1, 'y', 'z'), struct(1 AS a, 'q' AS b)
