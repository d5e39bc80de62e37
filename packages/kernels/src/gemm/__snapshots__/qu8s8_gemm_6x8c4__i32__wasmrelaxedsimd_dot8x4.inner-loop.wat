        loop $while-continue|4
         local.get $21
         local.get $45
         i32.lt_u
         if
          local.get $13
          v128.load
          local.tee $46
          local.get $21
          v128.load32_splat
          local.tee $47
          local.get $18
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $18
          local.get $13
          v128.load offset=16
          local.tee $20
          local.get $47
          local.get $39
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $39
          local.get $46
          local.get $21
          v128.load32_splat offset=4
          local.tee $47
          local.get $27
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $27
          local.get $20
          local.get $47
          local.get $22
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $22
          local.get $46
          local.get $21
          v128.load32_splat offset=8
          local.tee $47
          local.get $28
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $28
          local.get $20
          local.get $47
          local.get $23
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $23
          local.get $46
          local.get $21
          v128.load32_splat offset=12
          local.tee $47
          local.get $29
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $29
          local.get $20
          local.get $47
          local.get $24
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $24
          local.get $46
          local.get $21
          v128.load32_splat offset=16
          local.tee $47
          local.get $30
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $30
          local.get $20
          local.get $47
          local.get $25
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $25
          local.get $46
          local.get $21
          v128.load32_splat offset=20
          local.tee $46
          local.get $31
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $31
          local.get $20
          local.get $46
          local.get $26
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $26
          local.get $21
          i32.const 24
          i32.add
          local.set $21
          local.get $13
          i32.const 32
          i32.add
          local.set $13
          br $while-continue|4
         end
        end